"""GOV.UK form fields written in Python, for a form rendered on every request (the case list's filter).

crispy-forms-gds renders a field through four or five templates plus Django's widget templates, one of
them per <option>: the case list's filter (ten fields, about 130 options) cost more Python time than the
rest of the page together (docs/performance.md, fourth round). This writes the same markup, the same
elements, attributes and text as crispy-forms-gds's `gds/field.html` with Django's widget templates (compared
in tests/foundation/test_field_html.py), for what a filter form holds: text and date inputs, drop-downs and
checkbox groups. Any other field, and every field of a form with a crispy `helper`, still goes through
crispy-forms-gds.
"""

import html
from collections.abc import Iterable

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.forms.widgets import ChoiceWidget
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from common.html_text import escape_text

#: crispy-forms-gds's CSS class for a widget, by its class name (CrispyGDSFieldNode), with the project's own.
_CLASS_CONVERTERS = {
    "checkboxinput": "govuk-checkboxes__input",
    "select": "govuk-select",
    "textinput": "govuk-input",
    "emailinput": "govuk-input",
    "passwordinput": "govuk-input",
    "textarea": "govuk-textarea",
    "clearablefileinput": "govuk-file-upload",
}
#: Django's widget templates that only include django/forms/widgets/input.html.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("text", "date", "email", "number", "search", "tel", "url")
)
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def render_fields(form: forms.BaseForm) -> SafeString:
    """Every field of `form`, as `{% for field in form %}{{ field|as_crispy_field }}{% endfor %}` renders it."""
    return mark_safe("".join(render_field(field) for field in form))


def render_field(field: BoundField) -> str:
    if getattr(field.form, "helper", None) is not None or field.is_hidden:
        return as_crispy_field(field)
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple) and widget.input_type == "checkbox":
        return _checkboxes(field) or as_crispy_field(field)
    if isinstance(widget, forms.RadioSelect | forms.CheckboxInput | forms.MultiWidget) or hasattr(widget, "widget"):
        return as_crispy_field(field)
    control = _control(field)
    if control is None:
        return as_crispy_field(field)
    label = (
        format_html('<label for="{}" class="govuk-label">{}</label>', field.id_for_label, mark_safe(field.label))
        if field.label
        else ""
    )
    return format_html(
        '<div id="div_{}" class="govuk-form-group{}{}">{}{}{}</div>',
        field.auto_id,
        " govuk-form-group--error" if field.errors else "",
        _space_before(field.css_classes()),
        label,
        _hint_and_errors(field),
        control,
    )


def _control(field: BoundField) -> str | None:
    """The input or select, with the classes and aria-describedby crispy-forms-gds gives it; None: not one we write.

    Like crispy-forms-gds, this sets them on the form's own widget (Django reads them there too, BoundField's
    aria_describedby), so render a form once: a second time would add the error ids again, as crispy's would."""
    widget = field.field.widget
    if widget.template_name in _INPUT_TEMPLATES:
        write = _input
    elif (
        widget.template_name == _SELECT_TEMPLATE
        and getattr(widget, "option_template_name", None) == _OPTION_TEMPLATE
        and not widget.allow_multiple_selected
    ):
        write = _select
    else:
        return None
    attrs = widget.attrs
    if "govuk-js-character-count" in attrs.get("class", ""):
        return None
    converters = {**_CLASS_CONVERTERS, **getattr(settings, "CRISPY_CLASS_CONVERTERS", {})}
    class_name = type(widget).__name__.lower()
    css_class = converters.get(class_name, class_name).split()
    css_class += [name for name in attrs.get("class", "").split() if name not in css_class]
    classes = " ".join(css_class)
    if hasattr(widget, "input_type") and "input_type" in attrs:
        widget.input_type = attrs.pop("input_type")
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_hint"
    if field.errors:
        if type(widget).__name__ in ("Select", "TextInput", "Textarea"):
            classes += " govuk-input--error"
        if not field.help_text:
            attrs["aria-describedby"] = ""
        for number, _error in enumerate(field.errors, start=1):
            described = attrs.setdefault("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} " * bool(described) + f"{field.auto_id}_{number}_error"
    attrs["class"] = classes
    # What BoundField.as_widget passes to the widget's template
    if field.field.localize:
        widget.is_localized = True
    extra = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        extra.setdefault("id", field.auto_id)
    if write is _select and _plain_options(widget):
        # Widget.get_context without ChoiceWidget's optgroups: the options are written straight from the choices
        context = forms.Widget.get_context(widget, field.html_name, field.value(), extra)["widget"]
        return _select(context, _options(widget.choices, context["value"]))
    return write(widget.get_context(field.html_name, field.value(), extra)["widget"])


def _input(context: dict) -> str:
    """django/forms/widgets/input.html"""
    value = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        _attrs(context["attrs"]),
    )


def _select(context: dict, options: str | None = None) -> str:
    """django/forms/widgets/select.html, its options as select_option.html writes them (or as `_options` did)."""
    parts: list[str] = [format_html('<select name="{}"{}>', context["name"], _attrs(context["attrs"]))]
    if options is not None:
        return mark_safe(parts[0] + options + "\n</select>")
    for group_name, options_, _index in context["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', _text(group_name)))
        parts.extend(
            format_html('\n  <option value="{}"{}>{}</option>', str(o["value"]), _attrs(o["attrs"]), _text(o["label"]))
            for o in options_
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def _plain_options(widget) -> bool:
    """A single-choice Select whose options Django builds as ChoiceWidget does, with no attributes of their own."""
    kind = type(widget)
    return (
        kind.get_context is forms.Select.get_context
        and kind.optgroups is ChoiceWidget.optgroups
        and kind.create_option is ChoiceWidget.create_option
        and kind.checked_attribute == {"selected": True}
        and not widget.option_inherits_attrs
        and not widget.allow_multiple_selected
    )


def _options(choices: Iterable, value: list[str]) -> str:
    """ChoiceWidget.optgroups and create_option written out as `_select` writes their result: the same options,
    the first whose value is in `value` selected, without a dict per option (about 130 on the case list)."""
    parts: list[str] = []
    has_selected = False
    for option_value, option_label in choices:
        if option_value is None:
            option_value = ""
        if isinstance(option_label, list | tuple):
            group_name, group = option_value, option_label
        else:
            group_name, group = None, [(option_value, option_label)]
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', _text(group_name)))
        for subvalue, sublabel in group:
            selected = not has_selected and str(subvalue) in value
            has_selected |= selected
            parts.append(
                f'\n  <option value="{escape_text(str(subvalue))}"{" selected" if selected else ""}>'
                f"{_text(sublabel)}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return "".join(parts)


def _checkboxes(field: BoundField) -> str | None:
    """crispy-forms-gds's gds/layout/checkboxes.html in its form-group; None when a choice is not (value, label)."""
    choices = list(getattr(field.field, "choices", ()))
    if any(not isinstance(c, list | tuple) or len(c) != 2 or isinstance(c[1], list | tuple) for c in choices):
        return None
    auto_id, name, value = field.auto_id, field.html_name, field.value()
    described = ""
    if field.help_text or field.errors:
        ids = [f"{auto_id}_hint"] if field.help_text else [""]
        ids += [f"{auto_id}_{number}_error" for number, _error in enumerate(field.errors, start=1)]
        described = format_html(' aria-describedby="{}"', " ".join(ids))
    items = mark_safe(
        "".join(
            format_html(
                '<div class="govuk-checkboxes__item"><input type="checkbox" name="{}" class="govuk-checkboxes__input"'
                ' id="id_{}_{}" value="{}"{}>'
                '<label class="govuk-label govuk-checkboxes__label" for="id_{}_{}">{}</label></div>',
                name,
                name,
                number,
                _unlocalized(choice_value),
                _checked(value, choice_value),
                name,
                number,
                _unlocalized(label),
            )
            for number, (choice_value, label) in enumerate(choices, start=1)
        )
    )
    legend = (
        format_html('<legend class="govuk-fieldset__legend">{}</legend>', mark_safe(field.label)) if field.label else ""
    )
    return format_html(
        '<div id="div_{}" class="govuk-form-group{}{}"><fieldset class="govuk-fieldset"{}>{}{}'
        '<div class="govuk-checkboxes">{}</div></fieldset></div>',
        auto_id,
        " govuk-form-group--error" if field.errors else "",
        _space_before(field.css_classes()),
        described,
        legend,
        _hint_and_errors(field),
        items,
    )


def _hint_and_errors(field: BoundField) -> str:
    """gds/layout/help_text_and_errors.html (hint as a block, errors as a block)."""
    hint = (
        format_html('<div id="{}_hint" class="govuk-hint">{}</div>', field.auto_id, mark_safe(field.help_text))
        if field.help_text
        else ""
    )
    errors = "".join(
        format_html(
            '<span id="{}_{}_error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}'
            "</span>",
            field.auto_id,
            number,
            error,
        )
        for number, error in enumerate(field.errors, start=1)
    )
    return mark_safe(hint + errors)


def _attrs(attrs: dict) -> SafeString:
    """django/forms/widgets/attrs.html: True as a bare name, False left out."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


def _text(value) -> str:
    """A value as `{{ value }}` prints it (a plain string is its own localized form)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(localize(value))


def _unlocalized(value) -> str:
    """`{{ value|unlocalize }}`"""
    return conditional_escape(str(localize(value, use_l10n=False)))


def _checked(value, choice_value) -> str:
    """`{% if choice.0 in field.value or choice.0|stringformat:"s" in field.value %}checked="checked"{% endif %}`"""
    checked = _contains(value, choice_value) or _contains(value, f"{choice_value}")
    return mark_safe(' checked="checked"') if checked else ""


def _contains(container: Iterable | None, item) -> bool:
    """The template's `in`, where a container that cannot hold anything (None) is False."""
    try:
        return item in container  # type: ignore[operator]
    except TypeError:
        return False


def _space_before(text: str) -> str:
    return f" {text}" if text else ""
