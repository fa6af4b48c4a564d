"""The one language layer: Dutch (and English) words, stems, numbers, amounts, months, dates and facts.

Retrieval, answering, citation and extraction all read text through these modules, so a month
name, a number word or a stemming decision is made in one place:

* ``lexicon``: months, number words, amount scales, units of time, question words (data);
* ``analyzer``: keyword analysis (Dutch Snowball stems, stop words), compound-aware matching of a
  question word against a text's stems, language detection;
* ``numbers`` and ``dates``: grammars for amounts and dates, reporting absolute offsets;
* ``facts``: which kinds of fact a text states, which a question asks for, which dates it names.
"""
