package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Languages the API speaks; zh-CN is the default (API.md §1).
const (
	langZH = "zh-CN"
	langEN = "en"
)

// language picks zh-CN or en from Accept-Language by quality, defaulting to zh-CN.
func language(r *http.Request) string {
	best, bestQ := langZH, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, q := strings.TrimSpace(part), 1.0
		if i := strings.IndexByte(tag, ';'); i >= 0 {
			if v, ok := strings.CutPrefix(strings.TrimSpace(tag[i+1:]), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
			tag = strings.TrimSpace(tag[:i])
		}
		tag = strings.ToLower(tag)
		var lang string
		switch {
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			lang = langEN
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			lang = langZH
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

type text struct{ zh, en, detailZH, detailEN string }

// texts are the titles and default details per code. A problem's own detail (in English, from
// the domain) is shown to English readers; Chinese readers get the localized default, and field
// errors keep their machine codes for clients to render.
var texts = map[string]text{
	"validation_failed":           {"请求参数无效", "Validation failed", "请检查请求中标出的字段。", "Check the fields named in errors."},
	"unauthenticated":             {"未认证", "Unauthenticated", "缺少有效的访问令牌，或凭据错误。", "A valid access token or correct credentials are required."},
	"forbidden":                   {"无权操作", "Forbidden", "当前身份不允许执行此操作。", "Your role does not allow this action."},
	"not_found":                   {"资源不存在", "Not found", "请求的资源不存在或不可见。", "The resource does not exist or is not visible to you."},
	"conflict":                    {"冲突", "Conflict", "请求与资源的当前状态冲突。", "The request conflicts with the current state of the resource."},
	"version_mismatch":            {"版本不一致", "Version mismatch", "资源已被修改，请重新读取后再提交。", "The resource has changed; read it again and retry."},
	"invalid_transition":          {"状态不允许此操作", "Invalid transition", "资源当前状态不允许此操作。", "The resource's status does not allow this action."},
	"capacity_exceeded":           {"容量不足", "Capacity exceeded", "认领数量超过了该时段的剩余容量。", "The claim exceeds the remaining capacity of an occurrence."},
	"no_active_agreement":         {"无有效共建协议", "No active agreement", "双方没有覆盖该类别和时段的有效共建协议。", "No active co-building agreement covers this claim."},
	"window_outside_availability": {"时段超出可用范围", "Window outside availability", "认领时段必须落在清单的可用时段内。", "Every occurrence of the claim must lie inside an occurrence of the listing."},
	"own_listing":                 {"不能认领本单位清单", "Own listing", "不能认领本组织发布的清单。", "An organisation cannot claim its own listing."},
	"listing_not_open":            {"清单未开放", "Listing not open", "该清单当前不接受认领。", "The listing does not accept claims now."},
	"claimant_limit_exceeded":     {"超出单个认领方上限", "Claimant limit exceeded", "超出了该清单对单个认领组织的数量上限。", "The claim exceeds what one claimant may hold on this listing."},
	"idempotency_key_reused":      {"幂等键已被使用", "Idempotency key reused", "该幂等键已用于不同的请求内容。", "This Idempotency-Key was used with a different request."},
	"payload_too_large":           {"请求体过大", "Payload too large", "请求体不能超过 1 MiB。", "The request body must not exceed 1 MiB."},
	"rate_limited":                {"请求过于频繁", "Rate limited", "请稍后再试。", "Too many requests; retry later."},
	"unavailable":                 {"服务暂不可用", "Service unavailable", "服务暂时无法处理请求，请稍后重试。", "The service cannot handle the request right now; retry after the time in Retry-After."},
	"internal":                    {"服务器内部错误", "Internal error", "服务器出现错误，请稍后再试。", "Something went wrong on our side; retry later."},
}

// localize fills type, title and detail.
func localize(p Problem, lang string) Problem {
	t, ok := texts[p.Code]
	if !ok {
		t = texts["internal"]
	}
	p.Type = "urn:gongjian:problem:" + p.Code
	if len(p.Errors) > 0 {
		fields := make([]ProblemField, len(p.Errors))
		for i, f := range p.Errors {
			f.Message = fieldMessage(f, lang)
			fields[i] = f
		}
		p.Errors = fields
	}
	if lang == langEN {
		p.Title = t.en
		if p.Detail == "" || p.Code == "internal" {
			p.Detail = t.detailEN
		}
		return p
	}
	p.Title = t.zh
	p.Detail = t.detailZH
	if p.Data != nil && p.Data.Occurrence != nil {
		// The occurrence a capacity or availability error is about, in the listing's own terms.
		occ := p.Data.Occurrence
		p.Detail += "（时段 " + occ.Start.Format(time.RFC3339) + " 至 " + occ.End.Format(time.RFC3339) + "）"
	}
	return p
}
