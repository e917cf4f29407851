from django.db import migrations

from kefu.search.backends import words_index_operation


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_article_images")]

    operations = [words_index_operation("knowledge_articletext")]
