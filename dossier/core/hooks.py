"""Hooks the core offers to the platform services, which never import each other.

The platform services (``dossier.rapporten``, ``dossier.meldingen``, ...) sit side by side in
one layer and are independent of each other (the import-linter contracts in
``pyproject.toml``). One that must have another act sends a signal from here; the other
connects its receiver in its ``AppConfig.ready()``.
"""

from django.dispatch import Signal

# "Tell this person about something in this dossier": a report they asked for is ready, or
# could not be made. Sent with ``dossier``, ``user``, ``subject`` (no content of the dossier:
# the e-mail goes outside the platform) and ``url`` (a path in the app, where the person
# logs in to see it); for a report of an organisation rather than a dossier, ``dossier`` is
# None and ``place`` names the organisation. ``dossier.meldingen`` writes it as a notification, e-mailed as the
# person chose: at once, in the daily digest, or not at all.
person_to_tell = Signal()
