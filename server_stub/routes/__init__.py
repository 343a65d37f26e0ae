"""HTTP only: endpoints map requests to services and service errors to envelopes."""

from server_stub.routes import auth, openapi, two_factor
from server_stub.routes.endpoint import Endpoint

ENDPOINTS: tuple[Endpoint, ...] = auth.ENDPOINTS + two_factor.ENDPOINTS + openapi.ENDPOINTS

__all__ = ["ENDPOINTS", "Endpoint"]
