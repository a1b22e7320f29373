# Placeholder until the test suite lands.
check:
	@echo "0 passed, 0 failed"
.PHONY: check
