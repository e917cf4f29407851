"""Who may write, review and cite articles: the predicates the knowledge actions enforce and
the console consults."""

from __future__ import annotations

from kefu.errors import PermissionRefused
from kefu.knowledge.models import Article, ArticleVersion
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import Capability, Verdict, granted, refused


def can_write_articles(actor: Actor) -> Verdict:
    return granted(actor.role, Capability.WRITE_ARTICLES, "您的角色不能编写知识文章",
                   "Your role cannot write articles")


def can_review_article(actor: Actor, article: Article,
                       version: ArticleVersion | None = None) -> Verdict:
    """A reviewer publishes or rejects, never for an article they created or a version they
    wrote (信息采编: the one who writes is not the one who approves)."""
    verdict = granted(actor.role, Capability.REVIEW_ARTICLES, "您的角色不能审核知识文章",
                      "Your role cannot review articles")
    if not verdict:
        return verdict
    if actor.staff_id is not None and actor.staff_id in {
            article.created_by_id, version.author_id if version else None}:
        return refused(PermissionRefused("作者不能审核或发布自己的文章",
                                         "An author cannot review or publish their own article"))
    return verdict


def can_withdraw_article(actor: Actor) -> Verdict:
    """Taking an article from its readers is the reviewers' call, as publishing it is."""
    return granted(actor.role, Capability.REVIEW_ARTICLES, "您的角色不能撤回知识文章",
                   "Your role cannot withdraw articles")


def can_cite_articles(actor: Actor) -> Verdict:
    return granted(actor.role, Capability.CITE_ARTICLES, "您的角色不能在工单中引用知识",
                   "Your role cannot cite articles on work orders")
