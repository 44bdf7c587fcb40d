package api

import "strings"

// fieldTexts are the Chinese messages of field error codes, the third part of the catalogue
// beside the titles and details of texts: "%s" is the field. The domain's own messages are
// English and more specific; English readers get those, Chinese readers these (the field and its
// code still say exactly what is wrong). TestFieldCodesLocalized checks that every code the code
// base uses has an entry here.
var fieldTexts = map[string]string{
	"required":                "%s 为必填项",
	"invalid":                 "%s 的值无效",
	"invalid_type":            "%s 的类型不正确",
	"invalid_text":            "%s 必须是有效的 UTF-8 文本，且不含 NUL 字符",
	"out_of_range":            "%s 超出允许的范围",
	"too_long":                "%s 过长",
	"too_short":               "%s 过短",
	"unknown":                 "未知字段 %s",
	"immutable":               "%s 创建后不能修改",
	"not_found":               "%s 指向的对象不存在",
	"not_granted":             "%s 包含未授予的权限范围",
	"repeated":                "%s 只能出现一次",
	"ambiguous":               "%s：客户端凭据只能以一种方式发送（HTTP Basic 或请求体）",
	"unsupported":             "%s 不受支持",
	"unresolvable":            "%s 的主机名无法解析",
	"private_address":         "%s 指向回环、内网或保留地址",
	"end_before_start":        "%s 必须晚于开始时间",
	"invalid_rrule":           "%s 不是可接受的 RRULE 重复规则",
	"overlapping_occurrences": "%s 的各次时段互相重叠",
	"too_many_occurrences":    "%s 展开后的时段过多",
	"beyond_horizon":          "%s 超出了可展开的时间范围（366 天）",
	"fractional_seconds":      "%s 不能含有秒以下的小数部分",
	"in_the_past":             "%s 所指的时段已经过去",
}

// fieldMessage is the message of a field error in lang.
func fieldMessage(f ProblemField, lang string) string {
	if lang == langEN {
		return f.Message
	}
	t, ok := fieldTexts[f.Code]
	if !ok {
		t = fieldTexts["invalid"]
	}
	return strings.Replace(t, "%s", f.Field, 1)
}
