"""The Azure Shared Responsibility Guide: a self-hosted learning guide."""
