"""Spring Cloud Gateway routes behind a CircuitBreaker filter (importers/spring.py)."""

from __future__ import annotations

from archdesigner.importers.spring import guarded_routes, is_config_file

GATEWAY = """\
spring:
  application:
    name: api-gateway
  cloud:
    gateway:
      server:
        webflux:
          default-filters:
            - name: CircuitBreaker
              args:
                name: defaultCircuitBreaker
          routes:
            - id: vets
              uri: lb://vets-service
              predicates:
                - Path=/api/vet/**
            - id: genai
              uri: lb://genai-service
              filters:
                - StripPrefix=2
                - CircuitBreaker=name=genaiCircuitBreaker,fallbackUri=/fallback
"""


def test_default_filters_guard_every_route_and_a_route_names_its_own() -> None:
    # vets' uri (line 14) passes the default filter (line 9); genai's (18) its own (21)
    assert guarded_routes(GATEWAY) == {14: 9, 18: 21}


def test_routes_without_a_breaker_and_the_older_place() -> None:
    text = """\
server:
  port: 8080
---
spring:
  cloud:
    gateway:
      routes:
        - id: plain
          uri: http://orders:8080
          filters:
            - StripPrefix=1
        - id: guarded
          uri: http://stock:8080
          filters:
            - name: CircuitBreaker
"""
    assert guarded_routes(text) == {13: 15}


def test_not_yaml_or_not_a_gateway_gives_nothing() -> None:
    assert guarded_routes("spring: [unclosed\n") == {}
    assert guarded_routes("spring:\n  application:\n    name: orders\n") == {}
    assert guarded_routes("- just\n- a list\n") == {}


def test_which_files_are_read() -> None:
    assert is_config_file("application.yml") and is_config_file("application-docker.yaml")
    assert is_config_file("bootstrap.yml")
    assert not is_config_file("docker-compose.yml") and not is_config_file("application.json")
