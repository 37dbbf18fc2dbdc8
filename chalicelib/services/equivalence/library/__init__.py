"""The public reference library of the equivalence service: legal references, procedures,
the reference guide, and the searchable catalogue of decisions published since 1967."""
