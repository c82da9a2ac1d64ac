"""Forms of the browser scheme editor. They check input; the services decide and write."""

from indicators.forms.parts import (
    AdjustmentItemForm,
    IndicatorForm,
    LevelForm,
    OverrideForm,
    OverrideFormSet,
    RowForm,
    RowsFormSet,
    VetoItemForm,
    check_levels,
    level_formset,
    override_formset,
)
from indicators.forms.preview import (
    PreviewForm,
)
from indicators.forms.schemes import (
    SchemeCreateForm,
    SchemeFilterForm,
    SchemeImportForm,
    WeightsForm,
)

__all__ = [
    "AdjustmentItemForm",
    "IndicatorForm",
    "LevelForm",
    "OverrideForm",
    "OverrideFormSet",
    "PreviewForm",
    "RowForm",
    "RowsFormSet",
    "SchemeCreateForm",
    "SchemeFilterForm",
    "SchemeImportForm",
    "VetoItemForm",
    "WeightsForm",
    "check_levels",
    "level_formset",
    "override_formset",
]
