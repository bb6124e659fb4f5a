"""A stand-in for the government's identity provider: django-oauth-toolkit in OpenID Connect
mode, run by the login tests in a process of its own on a loopback port (see ``serve``)."""
