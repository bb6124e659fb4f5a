from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import NotificationForm
from accounts.mfa_reset import mfa_reset_apply, user_for_mfa_reset


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request):
    """Each person chooses how they hear about new signals and supplements."""
    form = NotificationForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your choice has been saved."))
            return redirect("accounts:notifications")
        return render(request, "accounts/notifications.html", {"form": form}, status=400)
    return render(request, "accounts/notifications.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def mfa_reset(request, token):
    """The link from the e-mail a platform administrator had sent: it removes the person's
    authenticator, so that they set up a new one after logging in with their password. Open
    to anyone who holds a valid link (the person cannot log in without it); any other gets 404.
    """
    person = user_for_mfa_reset(token)
    if person is None:
        raise Http404
    if request.method == "POST":
        mfa_reset_apply(user=person)
        messages.success(
            request,
            _(
                "Your authenticator has been removed. Log in with your password and set up a "
                "new one."
            ),
        )
        return redirect("account_login")
    return render(request, "accounts/mfa_reset.html", {"person": person})
