"""Platform management: organisations, people, memberships, partnerships.

Platform administrators (``is_staff``) manage these; the admin shows no dossier content, and
being staff (or even superuser) gives no access to any dossier.
"""

import datetime

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
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
from accounts.mfa_reset import mfa_reset_send
from accounts.models import Membership, Organisation, Partnership, User, Vestiging
from accounts.services import (
    membership_confirm,
    membership_create,
    membership_delete,
    membership_end,
    membership_refuse,
    organisation_save,
    partnership_create,
    partnership_delete,
    partnership_end,
)
from samenwerking.forms import DateField

admin.site.unregister(EmailAddress)
admin.site.unregister(Group)  # roles are memberships, never groups
admin.site.unregister(Authenticator)
# The identity provider's app comes from the environment and no tokens are kept
# (samenwerking.settings.oidc): only the links between people and their subject at the IdP are
# shown, further below.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
admin.site.unregister(SocialAccount)


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


# --- login ---
def name_row_inputs(form) -> None:
    """Give each input of ``form``, one row of a table of forms, a name that says what it is
    and which row it is in: "End date (Jan Peeters – Directie – Basisschool De Linde)".

    An inline and an editable list show the field's name only in the column head, which a
    screen reader does not read with the input (axe: "label", "select-name").
    """
    row = str(form.instance) if form.instance.pk else _("new row")
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, RelatedFieldWidgetWrapper):
            # the wrapper's own attrs are its original's; the copy of this form renders these
            widget = widget.widget
        if widget.is_hidden or "aria-label" in widget.attrs:
            continue
        label = field.label or name
        widget.attrs = {
            **widget.attrs,
            "aria-label": _("%(field)s (%(row)s)") % {"field": label, "row": row},
        }


class RowNamesMixin:
    """A formset whose rows' inputs are named by name_row_inputs."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_row_inputs(form)


def with_row_names(formset_class):
    if issubclass(formset_class, RowNamesMixin):
        return formset_class
    return type(formset_class.__name__, (RowNamesMixin, formset_class), {})


# --- end login ---


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

    # --- login --- every input of an editable list and of an inline says which row it is in
    def get_changelist_formset(self, request, **kwargs):
        return with_row_names(super().get_changelist_formset(request, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        """(Inlines only: a ModelAdmin has no formset of its own.)"""
        return with_row_names(super().get_formset(request, obj, **kwargs))

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


def membership_write(membership: Membership, changed: list[str], *, actor) -> Membership:
    """Add ``membership`` through membership_create, or end or reopen it through
    membership_end, from what an admin form filled in."""
    if membership.pk is None:
        return membership_create(
            user=membership.user,
            organisation=membership.organisation,
            role=membership.role,
            start_date=membership.start_date,
            end_date=membership.end_date,
            actor=actor,
        )
    if "end_date" in changed:
        return membership_end(membership=membership, end_date=membership.end_date, actor=actor)
    return membership


SELF_MEMBERSHIP_MESSAGE = _("You cannot give yourself a membership: ask another administrator.")
OWN_MEMBERSHIP_MESSAGE = _("You cannot change your own membership: ask another administrator.")


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
    validate; what the services check, the forms' validation (Membership.clean and the
    self-membership check in clean() here) checked. ``actor`` is set per request by the inline.
    """

    actor = None

    def clean(self):
        super().clean()
        for form in self.forms:
            if not (form.has_changed() or self._should_delete_form(form)):
                continue
            if form.instance.pk:
                user_id = form.instance.user_id
            elif self._should_delete_form(form):
                continue
            else:
                user = form.cleaned_data.get("user") if self.fk.name != "user" else self.instance
                user_id = user.pk if user is not None else None
            if self.actor is not None and user_id == self.actor.pk:
                form.add_error(
                    None, OWN_MEMBERSHIP_MESSAGE if form.instance.pk else SELF_MEMBERSHIP_MESSAGE
                )

    def save_new(self, form, commit=True):
        if not commit:
            return super().save_new(form, commit=False)
        setattr(form.instance, self.fk.name, self.instance)  # the page's object, now saved
        return membership_write(form.instance, form.changed_data, actor=self.actor)

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=False)
        return membership_write(form.instance, form.changed_data, actor=self.actor)

    def delete_existing(self, obj, commit=True):
        if commit:
            membership_delete(membership=obj, actor=self.actor)


class MembershipInline(PlatformAdminMixin, admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["status"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user  # a class made for this request
        return formset


class UserMembershipInline(MembershipInline):
    fk_name = "user"


class OrganisationMembershipInline(MembershipInline):
    fk_name = "organisation"


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
    inlines = [VestigingInline, OrganisationMembershipInline]
    change_list_template = "admin/accounts/organisation/change_list.html"

    def has_delete_permission(self, request, obj=None):
        # Deleting would take its memberships and partnerships along past the services (and
        # the audit log): only an organisation without any can be removed, one at a time.
        if obj is None or not super().has_delete_permission(request, obj):
            return False
        return not (
            obj.memberships.exists()
            or obj.partnerships.exists()
            or obj.served_partnerships.exists()
        )

    def get_readonly_fields(self, request, obj=None):
        # A school's kind cannot change once its dossier exists.
        return ["kind"] if obj else []

    def get_inlines(self, request, obj):
        if obj is None or not obj.is_school:
            return [OrganisationMembershipInline]
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
                    text=form.cleaned_data["file"],
                    start_date=form.cleaned_data["start_date"],
                    actor=request.user,
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
    so that what they refuse is a form error (as PartnershipAdminForm does). ``actor`` is set
    per request by MembershipAdmin.get_form."""

    actor = None

    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "start_date", "end_date"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.instance = membership_write(self.instance, self.changed_data, actor=self.actor)
        except ValidationError as error:
            self._update_errors(error)


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Membership.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Membership.Status.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Membership)
class MembershipAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "status", "start_date", "end_date"]
    list_filter = [StatusFilter, ActiveFilter, "organisation__kind", "role"]
    search_fields = ["user__email", "user__last_name", "user__first_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "start_date"
    actions = ["end_today", "confirm_selected", "refuse_selected"]
    form = MembershipAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a class made for this request
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj:
            return [*MEMBERSHIP_FIXED_ONCE_SAVED, "status", "created_by", "decided_by"]
        return []

    def save_model(self, request, obj, form, change):
        """Already written by the service while the form validated (MembershipAdminForm)."""

    def has_delete_permission(self, request, obj=None):
        # nobody removes their own membership (nor changes it, see membership_end)
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        membership_delete(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organisation"):
            try:
                membership_delete(membership=membership, actor=request.user)
            except ValidationError as error:
                messages.error(request, f"{membership}: {' '.join(error.messages)}")

    def _decide(self, request, queryset, service, done_message):
        done = 0
        for membership in queryset.pending().select_related("user", "organisation"):
            try:
                service(membership=membership, actor=request.user)
            except ValidationError as error:
                messages.error(request, f"{membership}: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            messages.success(request, done_message(done) % {"count": done})
        elif not queryset.pending().exists():
            messages.warning(request, _("None of the selected memberships awaits confirmation."))

    @admin.action(description=_("Confirm the selected memberships (a second administrator)"))
    def confirm_selected(self, request, queryset):
        self._decide(
            request,
            queryset,
            membership_confirm,
            lambda n: ngettext(
                "%(count)d membership confirmed.", "%(count)d memberships confirmed.", n
            ),
        )

    @admin.action(description=_("Refuse the selected memberships"))
    def refuse_selected(self, request, queryset):
        self._decide(
            request,
            queryset,
            membership_refuse,
            lambda n: ngettext(
                "%(count)d membership refused.", "%(count)d memberships refused.", n
            ),
        )

    @admin.action(description=_("End the selected memberships now (yesterday was the last day)"))
    def end_today(self, request, queryset):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        ended = skipped = 0
        for membership in queryset.filter(end_date__isnull=True):
            if membership.start_date > yesterday:
                skipped += 1
                continue
            try:
                membership_end(membership=membership, end_date=yesterday, actor=request.user)
            except ValidationError as error:
                messages.error(request, f"{membership}: {' '.join(error.messages)}")
                continue
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


class UserAddForm(forms.ModelForm):
    """A new account has no password: its owner chooses one through the reset e-mail sent to
    their own address, so that no administrator ever knows it."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = user.email.lower()
        user.set_unusable_password()
        if commit:
            user.save()
        return user


def send_password_reset(request, user: User) -> bool:
    """Send ``user`` allauth's password reset e-mail, to their own address."""
    form = ResetPasswordForm(data={"email": user.email})
    if not (user.is_active and form.is_valid()):
        return False
    form.save(request)
    return True


@admin.register(User)
class UserAdmin(PlatformAdminMixin, DjangoUserAdmin):
    """People. An administrator never sets a password (there is no password form): a new
    account and a forgotten password get allauth's reset e-mail, sent to the person's own
    address. Memberships go through the services (UserMembershipInline)."""

    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [UserMembershipInline]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Personal details"), {"fields": ["first_name", "last_name"]}),
        (_("Platform"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    add_form = UserAddForm
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "first_name", "last_name"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["send_password_reset_email", "send_mfa_reset_email"]

    def get_readonly_fields(self, request, obj=None):
        # The reset e-mail goes to this address: an administrator who could change it could
        # send someone's reset to himself.
        if obj is not None:
            return [*self.readonly_fields, "email"]
        return self.readonly_fields

    def get_inlines(self, request, obj):
        # roles are given once the account exists (and its owner has had the e-mail)
        return self.inlines if obj is not None else []

    def get_urls(self):
        # Django's user admin adds "<id>/password/", a form that sets someone's password
        return [url for url in super().get_urls() if url.name != "auth_user_password_change"]

    def has_delete_permission(self, request, obj=None):
        # switch an account off instead: its memberships and its audit trail stay
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and send_password_reset(request, obj):
            messages.info(
                request,
                _("%(email)s got an e-mail to choose a password.") % {"email": obj.email},
            )

    @admin.action(description=_("Send a password reset e-mail to the selected people"))
    def send_password_reset_email(self, request, queryset):
        sent = sum(1 for user in queryset if send_password_reset(request, user))
        messages.success(
            request,
            ngettext(
                "%(count)d reset e-mail sent, each to the person's own address.",
                "%(count)d reset e-mails sent, each to the person's own address.",
                sent,
            )
            % {"count": sent},
        )

    @admin.action(
        description=_("E-mail the selected people a link to set up two-factor authentication again")
    )
    def send_mfa_reset_email(self, request, queryset):
        sent = sum(1 for user in queryset if mfa_reset_send(user=user))
        messages.success(
            request,
            ngettext(
                "%(count)d e-mail sent, to the person's own address. People without an "
                "authenticator get none.",
                "%(count)d e-mails sent, each to the person's own address. People without an "
                "authenticator get none.",
                sent,
            )
            % {"count": sent},
        )


@admin.register(Authenticator)
class AuthenticatorAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """Shows who has set up which authenticator, read only: its secret is never shown, and no
    administrator removes or changes someone else's (that would let them take the account
    over). Someone who lost theirs uses a recovery code, or gets a link by e-mail to set it up
    again (the people list's action, accounts.mfa_reset)."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartnershipAdminForm(forms.ModelForm):
    actor = None  # set per request by PartnershipAdmin.get_form

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
                    actor=self.actor,
                )
            elif "end_date" in self.changed_data:
                self.instance = partnership_end(
                    partnership=self.instance,
                    end_date=self.cleaned_data["end_date"],
                    actor=self.actor,
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a class made for this request
        return form

    def save_model(self, request, obj, form, change):
        """Already written by the service while the form validated (PartnershipAdminForm)."""

    def delete_model(self, request, obj):
        partnership_delete(partnership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for partnership in queryset.select_related("school", "partner"):
            partnership_delete(partnership=partnership, actor=request.user)


@admin.register(SocialAccount)
class SocialAccountAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """Who is linked to which subject at the government's identity provider (accounts.oidc).

    A link is made only by the person's own first login there; a wrong one is removed here,
    and the next login links again by the verified e-mail address.
    """

    list_display = ["user", "provider", "uid", "last_login", "date_joined"]
    list_filter = ["provider"]
    search_fields = ["uid", "user__email", "user__last_name"]
    list_select_related = ["user"]
    fields = ["user", "provider", "uid", "last_login", "date_joined"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
