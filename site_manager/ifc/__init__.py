"""Reading IFC building models: the only package that touches ifcopenshell objects.

``read_model(path)`` returns a :class:`~site_manager.model.BuildingModel` of plain frames.
"""
