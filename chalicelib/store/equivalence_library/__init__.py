"""PynamoDB models and S3 objects of the equivalence reference library."""
