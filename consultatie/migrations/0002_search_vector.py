from django.db import migrations

from samenwerking.migration_helpers import search_vector_operation


class Migration(migrations.Migration):
    dependencies = [("consultatie", "0001_initial")]
    operations = [search_vector_operation("consultatie_consultatie")]
