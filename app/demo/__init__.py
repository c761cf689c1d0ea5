"""Demo data: `guide seed-demo` fills a cohort with learners who behave like real ones."""
