"""The eTimbre repository: stamps, their numbers, the Treasury's aggregates and flags."""
