"""Tests of the public face: home, published results, objections, public data API."""
