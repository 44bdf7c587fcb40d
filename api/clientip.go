package api

import (
	"net"

	"github.com/labstack/echo/v4"
)

// ipExtractor decides the client address that rate limits key on. Without trusted proxies it is
// the TCP peer; behind proxies it is the first X-Forwarded-For hop not in their networks.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
