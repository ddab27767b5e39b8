"""The use cases of offers and needs, for the pages, the API and other features: each takes
a side (`OFFER` or `NEED`, web/posts/sides.py) and clean values loaded at the edge."""

from web.pagination import MAX_PER_PAGE, Page, paginate
from web.posts.posting import post, require_poster, update_post
from web.posts.queries import (
    URGENCY_ORDER,
    get_post,
    list_posts,
    open_need,
    open_needs,
    open_offer,
    posts_of,
)
from web.posts.sides import NEED, OFFER, Side, side_of
from web.posts.withdrawal import lapse_posts, withdraw_post

__all__ = [
    "MAX_PER_PAGE", "NEED", "OFFER", "URGENCY_ORDER", "Page", "Side", "get_post", "lapse_posts",
    "list_posts", "open_need", "open_needs", "open_offer", "paginate", "post", "posts_of",
    "require_poster", "side_of", "update_post", "withdraw_post",
]
# Page, paginate and MAX_PER_PAGE live in web/pagination.py; they are named here still for
# web/matches/queries.py and web/staff/, until those import them from there (#11).
