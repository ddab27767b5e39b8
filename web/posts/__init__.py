"""Offers and needs: what donors give and what NGOs lack."""
