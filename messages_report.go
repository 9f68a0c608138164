package pingan

// reportMessages are the messages of a report's validation (NewCase.Validate)
// and of its attachments.
var reportMessages = map[string][2]string{
	"report.kind.unknown":     {"未知种类 %s；可选 dispute, petition, hazard, service", "unknown kind %s: one of dispute, petition, hazard, service"},
	"report.category.unknown": {"未知类别 %s", "unknown category %s"},
	"report.category.kind":    {"类别 %[1]s 不属于种类 %[2]s，而属于 %[3]s", "category %[1]s is not of kind %[2]s but of %[3]s"},
	"report.title.required":   {"标题和描述至少填写一项", "a title or a description is required"},
	"report.title.long":       {"标题不能超过 %d 字", "at most %d characters"},
	"report.description.long": {"描述不能超过 %d 字", "at most %d characters"},
	"report.source.unknown":   {"未知来源 %s", "unknown source %s"},
	"report.lat.range":        {"纬度须在 -90 到 90 之间", "latitude must be within -90…90"},
	"report.lng.range":        {"经度须在 -180 到 180 之间", "longitude must be within -180…180"},
	"report.lat.number":       {"纬度应为数字，如 39.7446", "latitude as a number, such as 39.7446"},
	"report.lng.number":       {"经度应为数字，如 98.5083", "longitude as a number, such as 98.5083"},
	"report.time.future":      {"上报时间不能晚于现在", "the report time cannot be in the future"},
	"report.result.required":  {"就地化解须填写处理结果", "a case resolved on site needs its result"},
	"report.none":             {"缺少案件内容", "no case given"},

	"photo.many":  {"最多 %d 张照片", "at most %d photos"},
	"photo.empty": {"照片 %s 是空文件", "photo %s is empty"},
	"photo.large": {"照片 %s 超过 %d MB", "photo %s is larger than %d MB"},
	"photo.type":  {"%s 不是 JPEG、PNG 或 WebP 图片", "%s is not a JPEG, PNG or WebP image"},
}
