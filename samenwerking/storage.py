"""The bucket for uploaded documents and generated reports when more than one machine serves.

Chosen with ``STORAGE_BACKEND=s3`` (samenwerking/settings/base.py). Every web replica and
worker reads and writes the same bucket, so no process keeps a file on its own disk.

What this class fixes, whatever the environment says:

- objects are written without an ACL, so they are as private as the bucket (never
  ``public-read``); a bucket that only allows the bucket owner's ACL accepts that too;
- a name that is taken gets a suffix instead of overwriting the other file (names are random
  already: ``documents/2026/03/<token>``, ``reports/2026/03/<token>.pdf``);
- a file has no URL. A download is streamed by its view, which checks access and writes the
  audit event first; a link straight into the bucket would skip both.
"""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    default_acl = None
    file_overwrite = False

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "Stored files have no URL: they are served by the download views, "
            "which check access and audit the download."
        )
