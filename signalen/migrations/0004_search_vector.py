from django.db import migrations

from samenwerking.migration_helpers import search_vector_operation


class Migration(migrations.Migration):
    dependencies = [("signalen", "0003_signaal_closed_at_signaal_search_text")]
    operations = [search_vector_operation("signalen_signaal")]
