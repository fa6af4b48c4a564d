"""The question pipeline, one typed stage at a time.

``Query`` (built once: ``query.build_query``) → ``retrieve`` (passages, with metadata named in the
question used to narrow the search) → ``candidates.gather`` (the sentences of those passages, with
their context and structural role) → ``features.featurize`` + ``scorer.AnswerScorer`` (the
probability that a sentence answers; a logistic model fitted by ``bronwijs fit``) → ``compose``
(the chosen sentences, continued when they lead in to a list, each with its exact citation, or a
decline when the best probability is below the fitted threshold).
"""
