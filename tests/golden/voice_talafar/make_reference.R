# Reference numbers for tests/voice/test_indicators_golden.py: the perception indicators and index of
# indicators.yaml on the clean Tal Afar export (../shared/data/talafar_water_perception_2021), computed
# independently in R: survey::svymean (simple random sample: no weights, strata or clusters in the data)
# and psych::alpha (raw alpha) on the complete cases. Run from the repository root:
#   Rscript tests/golden/voice_talafar/make_reference.R
library(survey)
library(psych)
here <- "tests/golden/voice_talafar"
d <- read.csv(gzfile("../shared/data/talafar_water_perception_2021/cleaningtools_clean_data.csv.gz"),
              colClasses = "character", na.strings = character(0))
connected <- d$water_system_connection %in% c("permanent_subscription", "temporary_subscription",
                                                "share_subscription", "no_subscription")
rate <- c(excellent = 5, good = 4, adequate = 3, poor = 2, very_poor = 1)
score <- function(x, asked) ifelse(asked & x %in% names(rate), rate[x], NA)
binary <- function(x, yes, missing) ifelse(x == "" | x %in% missing, NA, as.numeric(x %in% yes))
v <- data.frame(
  trusts_water_office = binary(d$trust_water_office, "yes", c("dont_know", "prefer_not_answer")),
  service_rating = score(d$level_service, connected),
  regularity_rating = score(d$regularity_supply, connected),
  receptiveness_rating = score(d$water_office_receptiveness, connected),
  problems_with_water = binary(d$problems_water, "yes", c("dont_know", "prefer_not_answer"))
)
# oriented 0-1, higher = better
o <- data.frame(v$trusts_water_office, (v$service_rating - 1) / 4, (v$regularity_rating - 1) / 4,
                (v$receptiveness_rating - 1) / 4, 1 - v$problems_with_water)
v$confidence_in_water_service <- ifelse(complete.cases(o), rowMeans(o), NA)
des <- svydesign(ids = ~1, data = v)
rows <- lapply(names(v), function(nm) {
  m <- svymean(as.formula(paste0("~", nm)), subset(des, !is.na(v[[nm]])))
  data.frame(name = nm, estimate = coef(m)[[1]], se = SE(m)[[1]], n = sum(!is.na(v[[nm]])))
})
out <- do.call(rbind, rows)
a <- psych::alpha(o[complete.cases(o), ], warnings = FALSE)$total$raw_alpha
out <- rbind(out, data.frame(name = "alpha:confidence_in_water_service", estimate = a, se = NA,
                             n = sum(complete.cases(o))))
write.csv(out, file.path(here, "reference.csv"), row.names = FALSE)
print(out, digits = 10)
