"""Form pieces for the front desk: required marks that leave checking to the service, and
checkbox lists instead of Ctrl-click list boxes (nobody at a salon counter knows Ctrl-click, and an
iPad has no Ctrl key)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from wtforms import SelectMultipleField


class RequiredMark:
    """Shows the field as required (the red ＊ of the form) without checking anything.

    The service checks required fields and reports every problem of the form at once, in its own
    Japanese words; a wtforms check here would stop at the form and hide the service's messages."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


#: Leaves out the browser's own ``required`` check (its bubble is in the device's language and
#: stops at the first empty field); the ＊ and the service's messages are enough.
NO_BROWSER_CHECK = {"required": False}


class CheckboxListWidget:
    """The choices of a multiple select as a wrapping row of checkboxes."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        # wtforms hands the form's class over as ``class`` (it cleans ``class_``): a field with an error
        # is drawn red and its message shown under it.
        invalid = "is-invalid" in f'{kwargs.get("class", "")} {kwargs.get("class_", "")}'.split()
        boxes = []
        for index, (value, label, selected, *_rest) in enumerate(field.iter_choices()):
            box_id = f"{field.id}-{index}"
            boxes.append(Markup(
                '<label class="form-check form-check-inline mb-1" for="{id}">'
                '<input class="form-check-input{invalid}" type="checkbox" name="{name}" value="{value}" id="{id}"'
                '{checked}> <span class="form-check-label">{label}</span></label>'
            ).format(id=box_id, name=field.name, value=value, label=label,
                     checked=Markup(" checked") if selected else "",
                     invalid=" is-invalid" if invalid else ""))
        if not boxes:
            boxes.append(Markup('<span class="text-muted">（まだ登録がありません: マスタで登録できます）</span>'))
        # A fieldset groups the boxes under the field's name (it submits nothing itself).
        return Markup('<fieldset class="checkbox-list{}" id="{}" name="{}">{}</fieldset>').format(
            " is-invalid" if invalid else "", field.id, field.name, Markup("").join(boxes))


class CheckboxListField(SelectMultipleField):
    widget = CheckboxListWidget()
