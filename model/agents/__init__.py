"""Mesa agents: the readable face of the model. Their state lives in the model's column stores
(``model.people``, ``model.orgs``) so mechanisms can update everyone at once; each agent reads and
writes its own row through properties."""

from model.agents.municipality import Municipality
from model.agents.organisation import Organisation
from model.agents.person import Person

__all__ = ["Person", "Organisation", "Municipality"]
