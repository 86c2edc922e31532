"""Stories: how independent reports of one event are grouped (see :mod:`.events`)."""
