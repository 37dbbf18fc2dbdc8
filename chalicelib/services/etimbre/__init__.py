"""eTimbre: consular fees paid as electronic stamps."""
