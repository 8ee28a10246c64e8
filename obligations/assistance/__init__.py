"""Article 6, international cooperation and assistance: the needs a coalition posts, the offers
made against them or freestanding, and who may move an offer forward. Needs and offers are models
of the obligations app (obligations/models.py); their pages are templates/obligations/assistance/.
"""
