"""Collection points and the hazardous-waste chain from households to the PAO."""
