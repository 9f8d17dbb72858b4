from django.contrib import admin

from humsec_web.results.models import Actual, Disaggregation, Indicator, Logframe, Result, Target


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0


@admin.register(Logframe)
class LogframeAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "country", "project")
    list_filter = ("country",)
    inlines = (ResultInline,)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "result", "unit", "frequency", "baseline_period", "baseline_value")
    inlines = (TargetInline,)


class PartInline(admin.TabularInline):
    model = Disaggregation
    extra = 0


@admin.register(Actual)
class ActualAdmin(admin.ModelAdmin):
    list_display = ("indicator", "period", "value", "status", "source")
    list_filter = ("status", "source")
    # validation goes through the platform's page (who, when, why), not the admin form
    readonly_fields = ("status", "validated_by", "validated_at", "reported_by")
    inlines = (PartInline,)
