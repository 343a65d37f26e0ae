"""The encrypted vault: model (frozen dataclasses), crypto, file envelope, durable store."""
