"""The one language layer: Dutch (and English) words, stems, numbers, months, dates and facts.

Retrieval, answering, citation and extraction all read text through these modules, so a month
name, a number word or a stemming decision is made in one place:

* ``lexicon``: months, number words, amount scales, units of time (data, no logic);
* ``analyzer``: keyword analysis (Dutch Snowball stems, stop words), compound-aware matching of a
  question word against a text's stems, language detection;
* ``facts``: which kinds of fact a text states (an amount, a date, a share, a duration, a count, a
  person or body, a cause), which a question asks for, and which dates a text names.
"""
