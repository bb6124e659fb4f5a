from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossier.core import pagecache
from dossier.core.access import Section, require_section
from dossier.documenten.forms import DocumentFilterForm, DocumentForm, VersionForm
from dossier.documenten.selectors import document_get, documents_for
from dossier.documenten.services import (
    BIN_DAYS,
    document_delete,
    document_downloaded,
    document_new_version,
    document_restore,
    document_upload,
)
from samenwerking.downloads import attachment
from samenwerking.forms import apply_validation_error_to
from samenwerking.listing import page_of, querystring_without_page


def _doc_list_context(request, dossier, access, *, deleted=False):
    form = DocumentFilterForm(request.GET or None)
    documents = documents_for(dossier, access, deleted=deleted)
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        documents = form.filter(documents)
    page = page_of(request, documents, valid=valid)
    return {
        "dossier": dossier,
        "access": access,
        "filter_form": form,
        "page": page,
        "querystring": querystring_without_page(request),
        "can_write": access.can_write(Section.DOCUMENTEN),
        "bin_days": BIN_DAYS,
    }, valid


@login_required
@require_safe
@pagecache.dossier_page(Section.DOCUMENTEN)
def document_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.DOCUMENTEN)
    context, valid = _doc_list_context(request, dossier, access)
    return render(request, "documenten/documents.html", context, status=200 if valid else 400)


@login_required
@require_safe
def document_bin(request, pk):
    dossier, access = require_section(request.user, pk, Section.DOCUMENTEN, write=True)
    context, valid = _doc_list_context(request, dossier, access, deleted=True)
    return render(request, "documenten/document_bin.html", context, status=200 if valid else 400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_upload_view(request, pk):
    dossier, access = require_section(request.user, pk, Section.DOCUMENTEN, write=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = document_upload(
                dossier=dossier,
                user=request.user,
                access=access,
                uploaded=data["file"],
                title=data["title"],
                kind=data["kind"],
                school_year=data["school_year"],
                for_clb=data["for_clb"],
                for_pbd=data["for_pbd"],
                for_lsc=data["for_lsc"],
            )
        except ValidationError as exc:
            apply_validation_error_to(form, exc, field="file")
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The document has been shared."))
            return redirect("documenten:document_detail", pk=dossier.pk, document_pk=document.pk)
    return render(
        request,
        "documenten/document_form.html",
        {"dossier": dossier, "access": access, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@pagecache.dossier_page(Section.DOCUMENTEN)
def document_detail(request, pk, document_pk):
    write = request.method == "POST"
    # a document in the bin opens too, to be restored from there
    dossier, access, document = document_get(
        request.user, pk=pk, document_pk=document_pk, write=write, deleted=None
    )
    form = VersionForm(request.POST or None, request.FILES or None)
    if write and form.is_valid():
        try:
            document_new_version(
                document=document,
                user=request.user,
                access=access,
                uploaded=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_validation_error_to(form, exc, field="file")
        else:
            messages.success(request, _("The new version has been added."))
            return redirect("documenten:document_detail", pk=dossier.pk, document_pk=document.pk)
    return render(
        request,
        "documenten/document_detail.html",
        {
            "dossier": dossier,
            "access": access,
            "document": document,
            "form": form,
            "may_write": access.may_write_document(document),
        },
        status=400 if write else 200,
    )


@login_required
@require_safe
def document_download(request, pk, document_pk, version_pk):
    dossier, access, document = document_get(request.user, pk=pk, document_pk=document_pk)
    version = next((v for v in document.versies.all() if v.pk == version_pk), None)
    if version is None:
        raise Http404
    version.document = document
    return attachment(
        request,
        version.file,
        filename=version.original_name,
        content_type=version.content_type,
        size=version.size,
        downloaded=lambda: document_downloaded(version=version, user=request.user),
        unreadable_to=reverse(
            "documenten:document_detail", kwargs={"pk": dossier.pk, "document_pk": document.pk}
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_delete_view(request, pk, document_pk):
    """GET asks to confirm (it never deletes, and works without JavaScript); POST deletes."""
    dossier, access, document = document_get(
        request.user, pk=pk, document_pk=document_pk, write=True
    )
    if request.method != "POST":
        return render(
            request,
            "documenten/document_delete.html",
            {"dossier": dossier, "access": access, "document": document, "bin_days": BIN_DAYS},
        )
    document_delete(document=document, user=request.user, access=access)
    messages.success(
        request,
        _("The document is in the bin. It can be restored for %(days)d days.") % {"days": BIN_DAYS},
    )
    return redirect("documenten:documents", pk=dossier.pk)


@login_required
@require_POST
def document_restore_view(request, pk, document_pk):
    dossier, access, document = document_get(
        request.user, pk=pk, document_pk=document_pk, write=True, deleted=True
    )
    document_restore(document=document, user=request.user, access=access)
    messages.success(request, _("The document has been restored."))
    return redirect("documenten:document_detail", pk=dossier.pk, document_pk=document.pk)
