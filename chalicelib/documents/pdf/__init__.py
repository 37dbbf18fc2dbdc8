"""A small PDF toolkit for the letters, receipts, convocations and certificates of every
service: the packaged fonts, a one-page bilingual layout (French left to right on the left,
Arabic shaped and right to left on the right) and QR codes drawn as vectors.

fpdf2, uharfbuzz and segno are imported inside the functions that need them, never when this
package is imported: most requests never draw a PDF, and a Lambda's cold start pays for every
module ``import app`` loads (bench/coldstart.py checks it).
"""
