"""Platform management: organisations, people, memberships, partnerships.

Platform administrators (``is_staff``) manage these; the admin shows no dossier content, and
being staff (or even superuser) gives no access to any dossier.
"""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.imports import ImportFailed, schools_import_csv
from accounts.models import Membership, Organisation, Partnership, User, Vestiging
from accounts.services import (
    membership_create,
    membership_end,
    organisation_save,
    partnership_create,
    partnership_end,
)
from samenwerking.forms import DateField

admin.site.unregister(EmailAddress)
admin.site.unregister(Group)  # roles are memberships, never groups
admin.site.unregister(Authenticator)


def _keys_the_field_can_hold(widget, values) -> list:
    """The submitted values that are keys of the related model at all: an autocomplete shows
    a form again with what was sent, and looking up "abc" as an id is a ValueError."""
    remote = widget.field.remote_field
    opts = remote.model._meta
    key_field = opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)
    kept = []
    for value in values:
        try:
            key_field.to_python(value)
        except ValidationError:
            continue
        kept.append(value)
    return kept


class AutocompleteSelectOfKeys(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _keys_the_field_can_hold(self, value), attr)


class AutocompleteSelectMultipleOfKeys(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _keys_the_field_can_hold(self, value), attr)


class GuardedChangeList(ChangeList):
    """A list filter or date hierarchy value that overflows (a year of twenty digits) is a
    wrong lookup, answered as the admin answers any wrong lookup, not a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as exc:
            raise IncorrectLookupParameters(exc) from exc


class PlatformAdminMixin:
    """Every active platform administrator may manage the platform's master data."""

    # the platform's dates, so that a period's end of 31/12/9999 is a form error
    formfield_overrides = {models.DateField: {"form_class": DateField}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectOfKeys(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultipleOfKeys(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return GuardedChangeList

    def _is_platform_admin(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request):
        return self._is_platform_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_platform_admin(request)

    def has_add_permission(self, request, *args):
        return self._is_platform_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_platform_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_platform_admin(request)


class ActiveFilter(admin.SimpleListFilter):
    title = _("active today")
    parameter_name = "actief"

    def lookups(self, request, model_admin):
        return [("ja", _("Yes")), ("nee", _("No"))]

    def queryset(self, request, queryset):
        active = queryset.active_on()
        if self.value() == "ja":
            return active
        if self.value() == "nee":
            return queryset.exclude(pk__in=active.values("pk"))
        return queryset


class VestigingInline(PlatformAdminMixin, admin.TabularInline):
    model = Vestiging
    extra = 0


# Once saved, a membership only ends (or reopens): for another role or period it is ended and
# a new one added, so that who had which role when stays known.
MEMBERSHIP_FIXED_ONCE_SAVED = ["user", "organisation", "role", "start_date"]


def membership_write(membership: Membership, changed: list[str]) -> Membership:
    """Add ``membership`` through membership_create, or end or reopen it through
    membership_end, from what an admin form filled in."""
    if membership.pk is None:
        return membership_create(
            user=membership.user,
            organisation=membership.organisation,
            role=membership.role,
            start_date=membership.start_date,
            end_date=membership.end_date,
        )
    if "end_date" in changed:
        return membership_end(membership=membership, end_date=membership.end_date)
    return membership


class MembershipInlineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in MEMBERSHIP_FIXED_ONCE_SAVED:
                if name in self.fields:
                    self.fields[name].disabled = True


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    """The rows of an organisation's or a person's page are saved through the services. They
    save after the page's own object, which may be new, so they cannot write while they
    validate; what the services check, the forms' validation (Membership.clean) checked."""

    def save_new(self, form, commit=True):
        if not commit:
            return super().save_new(form, commit=False)
        setattr(form.instance, self.fk.name, self.instance)  # the page's object, now saved
        return membership_write(form.instance, form.changed_data)

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=False)
        return membership_write(form.instance, form.changed_data)


class MembershipInline(PlatformAdminMixin, admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user", "organisation"]


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: instellingsnummer, naam, straat, postcode, gemeente, clb, pbd, lsc. "
            "Partners by instellingsnummer or exact name; several LSCs separated by |."
        ),
    )
    start_date = DateField(
        label=_("Partnerships start on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        raw = upload.read()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                return raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    _("The file could not be read; save it as CSV in UTF-8.")
                ) from exc


@admin.register(Organisation)
class OrganisationAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "instellingsnummer", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "instellingsnummer", "city"]
    inlines = [VestigingInline, MembershipInline]
    change_list_template = "admin/accounts/organisation/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        # A school's kind cannot change once its dossier exists.
        return ["kind"] if obj else []

    def get_inlines(self, request, obj):
        if obj is None or not obj.is_school:
            return [MembershipInline]
        return self.inlines

    def save_model(self, request, obj, form, change):
        organisation_save(organisation=obj)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="accounts_organisation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = CsvImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                result = schools_import_csv(
                    text=form.cleaned_data["file"], start_date=form.cleaned_data["start_date"]
                )
            except ImportFailed as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _(
                        "Import done. Schools added: %(created)d; schools updated: %(updated)d; "
                        "partnerships added: %(partnerships)d."
                    )
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "partnerships": result.partnerships,
                    },
                )
                return redirect(reverse("admin:accounts_organisation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import schools from CSV"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return render(
            request,
            "admin/accounts/organisation/import.html",
            context,
            status=400 if errors else 200,
        )


class MembershipAdminForm(forms.ModelForm):
    """Adds through membership_create and ends through membership_end as the form validates,
    so that what they refuse is a form error (as PartnershipAdminForm does)."""

    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "start_date", "end_date"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.instance = membership_write(self.instance, self.changed_data)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Membership)
class MembershipAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "start_date", "end_date"]
    list_filter = [ActiveFilter, "organisation__kind", "role"]
    search_fields = ["user__email", "user__last_name", "user__first_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "start_date"
    actions = ["end_today"]
    form = MembershipAdminForm

    def get_readonly_fields(self, request, obj=None):
        return MEMBERSHIP_FIXED_ONCE_SAVED if obj else []

    def save_model(self, request, obj, form, change):
        """Already written by the service while the form validated (MembershipAdminForm)."""

    @admin.action(description=_("End the selected memberships now (yesterday was the last day)"))
    def end_today(self, request, queryset):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        ended = skipped = 0
        for membership in queryset.filter(end_date__isnull=True):
            if membership.start_date > yesterday:
                skipped += 1
                continue
            membership_end(membership=membership, end_date=yesterday)
            ended += 1
        messages.success(
            request,
            ngettext("%(count)d membership ended.", "%(count)d memberships ended.", ended)
            % {"count": ended},
        )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d membership starts today or later; change its dates instead.",
                    "%(count)d memberships start today or later; change their dates instead.",
                    skipped,
                )
                % {"count": skipped},
            )


@admin.register(User)
class UserAdmin(PlatformAdminMixin, DjangoUserAdmin):
    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["first_name", "last_name"]}),
        (_("Platform"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Authenticator)
class AuthenticatorAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """Lets an administrator remove a lost authenticator; its secret is never shown."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartnershipAdminForm(forms.ModelForm):
    """Adds through partnership_create and ends through partnership_end as the form validates,
    so that whatever they refuse (also the database's overlap constraints, after a race with
    another writer) shows as a form error, never a 500. The admin saves each form in one
    transaction, so nothing written here is kept unless the whole request succeeds."""

    class Meta:
        model = Partnership
        fields = ["school", "partner", "start_date", "end_date"]

    def _post_clean(self):
        super()._post_clean()  # clean()'s own checks, with their messages on the fields
        if self.errors:
            return
        try:
            if self.instance.pk is None:
                self.instance = partnership_create(
                    school=self.cleaned_data["school"],
                    partner=self.cleaned_data["partner"],
                    start_date=self.cleaned_data["start_date"],
                    end_date=self.cleaned_data["end_date"],
                )
            elif "end_date" in self.changed_data:
                self.instance = partnership_end(
                    partnership=self.instance, end_date=self.cleaned_data["end_date"]
                )
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Partnership)
class PartnershipAdmin(PlatformAdminMixin, admin.ModelAdmin):
    form = PartnershipAdminForm
    list_display = ["school", "partner", "partner_kind", "start_date", "end_date"]
    list_filter = [ActiveFilter, "partner_kind"]
    search_fields = ["school__name", "school__instellingsnummer", "partner__name"]
    autocomplete_fields = ["school", "partner"]
    list_select_related = ["school", "partner"]

    def get_readonly_fields(self, request, obj=None):
        # A partnership only ends (or reopens); a wrong one is removed and added anew.
        return ["school", "partner", "start_date"] if obj else []

    def save_model(self, request, obj, form, change):
        """Already written by the service while the form validated (PartnershipAdminForm)."""
