"""The browser scheme editor (考核方案). Every member of the tenant reads schemes and
previews a score; tenant admins edit drafts, publish, retire and make new versions. The
views fetch through ``indicators.selectors`` and write through ``indicators.services``."""

from indicators.views.parts import (
    adjustment_create,
    adjustment_delete,
    indicator_create,
    indicator_delete,
    indicator_edit,
    veto_create,
    veto_delete,
)
from indicators.views.schemes import (
    scheme_create,
    scheme_delete,
    scheme_detail,
    scheme_export,
    scheme_import,
    scheme_list,
    scheme_new_version,
    scheme_preview,
    scheme_publish,
    scheme_retire,
    scheme_validate,
    scheme_weights,
)
from indicators.views.special import special_indicators, special_withdraw

__all__ = [
    "adjustment_create",
    "adjustment_delete",
    "indicator_create",
    "indicator_delete",
    "indicator_edit",
    "scheme_create",
    "scheme_delete",
    "scheme_detail",
    "scheme_export",
    "scheme_import",
    "scheme_list",
    "scheme_new_version",
    "scheme_preview",
    "scheme_publish",
    "scheme_retire",
    "scheme_validate",
    "scheme_weights",
    "special_indicators",
    "special_withdraw",
    "veto_create",
    "veto_delete",
]
