"""Template tags of the site's layout."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

from organizations import fragments

register = template.Library()


@register.tag("chrome")
def do_chrome(parser: Parser, token: Token) -> ChromeNode:
    """``{% chrome %}…{% endchrome %}``: a part of the layout that depends only on the user,
    their roles and scope, the language and the address (the menu), rendered once and then
    read back from this process's memory under a key of all of those
    (``fragments.fragment_key``). Its CSRF tokens are the request's own on every read."""
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist)


class ChromeNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Any) -> SafeString:
        request = context.get("request")
        if request is None:
            return mark_safe(self.nodelist.render(context))  # noqa: S308 - our template's output
        key = fragments.fragment_key(request, "chrome", None)
        stored = fragments.local_fragment(key)
        if stored is None:

            def render(marker: str) -> str:
                with context.push(csrf_token=marker):
                    return str(self.nodelist.render(context))

            stored = fragments.render_with_marker(render)
            fragments.remember_local(key, stored)
        return fragments.with_token(request, stored)
