"""The shared Dutch language layer: a lexicon (``lexicon``) and grammars for numbers and amounts
(``numbers``) and dates (``dates``), each reporting absolute offsets into the text it reads."""
