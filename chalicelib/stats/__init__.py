"""Published processing times: days from submission to decision, per service, office and
month, kept as fixed histograms from the cases stream and read back in one Query.

``histogram`` and ``rules`` are pure; ``stream`` turns stream records into decisions and
``report`` turns stored histograms into figures; ``chalicelib/store/stats.py`` is the only
code that touches DynamoDB."""
