"""Writes to indicator schemes and to communities' special-indicator choices."""

from indicators.services.schemes import (
    adjustment_item_delete,
    adjustment_item_save,
    category_delete,
    category_save,
    indicator_delete,
    indicator_save,
    rater_group_delete,
    rater_group_save,
    scheme_create_from_document,
    scheme_delete_draft,
    scheme_new_version,
    scheme_publish,
    scheme_retire,
    scheme_update,
    veto_item_delete,
    veto_item_save,
)
from indicators.services.special import (
    special_choice_decide,
    special_choice_pick,
    special_choice_propose,
    special_choice_withdraw,
)

__all__ = [
    "adjustment_item_delete",
    "adjustment_item_save",
    "category_delete",
    "category_save",
    "indicator_delete",
    "indicator_save",
    "rater_group_delete",
    "rater_group_save",
    "scheme_create_from_document",
    "scheme_delete_draft",
    "scheme_new_version",
    "scheme_publish",
    "scheme_retire",
    "scheme_update",
    "special_choice_decide",
    "special_choice_pick",
    "special_choice_propose",
    "special_choice_withdraw",
    "veto_item_delete",
    "veto_item_save",
]
