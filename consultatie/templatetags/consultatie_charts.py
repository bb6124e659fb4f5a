"""``{% theme_chart overview as chart %}``: the red threads of a ``ThemeOverview`` as a chart,
for the themes pages (the overview is read already: the chart costs no query)."""

from django import template

from consultatie.charts import theme_chart as _theme_chart

register = template.Library()


@register.simple_tag
def theme_chart(overview, key: str = "themes"):
    return _theme_chart(overview, key=key)
