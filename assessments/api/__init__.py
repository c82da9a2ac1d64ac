"""The REST API of the assessment workflow: cycles, assessments, scores, appeals, rectifications."""
