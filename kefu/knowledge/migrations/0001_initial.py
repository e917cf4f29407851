
import django.db.models.deletion
from django.db import migrations, models

from kefu.search.backends import index_operation


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgs', '0001_initial'),
        ('workorders', '0021_timeline_event_articles_cited'),
    ]

    operations = [
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('in_review', '待审核'), ('published', '已发布'), ('expired', '已过期'), ('withdrawn', '已撤回')], default='draft', max_length=12, verbose_name='状态')),
                ('created_at', models.DateTimeField()),
                ('audience', models.CharField(choices=[('internal', '内部'), ('public', '公开')], default='internal', max_length=8, verbose_name='受众')),
                ('valid_to', models.DateTimeField(blank=True, null=True, verbose_name='有效期至')),
                ('expiry_warned_at', models.DateTimeField(blank=True, null=True)),
                ('withdrawn_reason', models.TextField(blank=True, verbose_name='撤回原因')),
                ('view_count', models.PositiveIntegerField(default=0, verbose_name='浏览次数')),
                ('helpful_count', models.PositiveIntegerField(default=0)),
                ('unhelpful_count', models.PositiveIntegerField(default=0)),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='articles_created', to='orgs.staff')),
                ('owner_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='articles', to='orgs.orgunit', verbose_name='负责单位')),
            ],
            options={
                'verbose_name': '知识文章',
                'verbose_name_plural': '知识文章',
            },
        ),
        migrations.CreateModel(
            name='ArticleText',
            fields=[
                ('words', models.TextField()),
                ('chars', models.TextField()),
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_text', serialize=False, to='knowledge.article')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ArticleCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=32, unique=True, verbose_name='编码')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('name_en', models.CharField(blank=True, max_length=100, verbose_name='英文名称')),
                ('sort_order', models.PositiveIntegerField(default=0)),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='knowledge.articlecategory', verbose_name='上级分类')),
            ],
            options={
                'verbose_name': '知识分类',
                'verbose_name_plural': '知识分类',
                'ordering': ['sort_order', 'code'],
            },
        ),
        migrations.CreateModel(
            name='ArticleEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version_number', models.PositiveIntegerField(null=True)),
                ('at', models.DateTimeField()),
                ('action', models.CharField(max_length=24)),
                ('actor_name', models.CharField(max_length=100)),
                ('actor_user_id', models.BigIntegerField(null=True)),
                ('note', models.TextField(blank=True)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='knowledge.article')),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ArticleFeedback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version_number', models.PositiveIntegerField()),
                ('is_helpful', models.BooleanField()),
                ('comment', models.TextField(blank=True)),
                ('place', models.CharField(choices=[('console', '坐席'), ('portal', '自助服务')], max_length=8)),
                ('at', models.DateTimeField()),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='knowledge.article')),
            ],
        ),
        migrations.CreateModel(
            name='ArticleVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='版本')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('in_review', '待审核'), ('published', '已发布'), ('superseded', '已被替代'), ('discarded', '已放弃')], default='draft', max_length=12, verbose_name='状态')),
                ('title', models.CharField(max_length=200, verbose_name='标题')),
                ('body', models.TextField(verbose_name='正文')),
                ('tags', models.JSONField(blank=True, default=list, verbose_name='标签')),
                ('audience', models.CharField(choices=[('internal', '内部'), ('public', '公开')], max_length=8, verbose_name='受众')),
                ('valid_from', models.DateTimeField(verbose_name='生效时间')),
                ('valid_to', models.DateTimeField(blank=True, null=True, verbose_name='有效期至')),
                ('created_at', models.DateTimeField()),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('review_comment', models.TextField(blank=True, verbose_name='审核意见')),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='knowledge.article')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='article_versions', to='orgs.staff')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='knowledge.articlecategory', verbose_name='分类')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='article_reviews', to='orgs.staff')),
            ],
            options={
                'verbose_name': '文章版本',
                'verbose_name_plural': '文章版本',
                'ordering': ['article_id', 'number'],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='published',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='published_of', to='knowledge.articleversion'),
        ),
        migrations.CreateModel(
            name='SearchMiss',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField()),
                ('place', models.CharField(choices=[('console', '坐席'), ('portal', '自助服务')], max_length=8)),
                ('query', models.CharField(max_length=100)),
                ('count', models.PositiveIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('week', 'place', 'query'), name='search_miss_once_per_week')],
            },
        ),
        migrations.CreateModel(
            name='SelfServiceSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64)),
                ('day', models.DateField()),
                ('started_at', models.DateTimeField()),
                ('query', models.CharField(blank=True, max_length=100)),
                ('solved_at', models.DateTimeField(blank=True, null=True)),
                ('escalated_work_order_id', models.BigIntegerField(blank=True, null=True)),
                ('solved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='solved_sessions', to='knowledge.article')),
            ],
        ),
        migrations.CreateModel(
            name='ArticleCitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version_number', models.PositiveIntegerField()),
                ('cited_at', models.DateTimeField()),
                ('cited_by_name', models.CharField(max_length=100)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='citations', to='knowledge.article')),
                ('work_order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='article_citations', to='workorders.workorder')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('work_order', 'article'), name='citation_once_per_work_order')],
            },
        ),
        migrations.AddIndex(
            model_name='articleversion',
            index=models.Index(condition=models.Q(('status', 'in_review')), fields=['status'], name='article_version_in_review'),
        ),
        migrations.AddConstraint(
            model_name='articleversion',
            constraint=models.UniqueConstraint(fields=('article', 'number'), name='article_version_number'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['status', 'audience'], name='article_status_audience'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['valid_to'], name='article_valid_to'),
        ),
        migrations.AddIndex(
            model_name='selfservicesession',
            index=models.Index(fields=['day'], name='self_service_day'),
        ),
        migrations.AddConstraint(
            model_name='selfservicesession',
            constraint=models.UniqueConstraint(fields=('key', 'day'), name='self_service_once_per_day'),
        ),
        index_operation("knowledge_articletext", "article_id"),
    ]
