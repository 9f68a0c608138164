package pingan

// limitMessages: public endpoints under abuse: rate limits, photos checked by content, headers (web, api, open311).
var limitMessages = map[string][2]string{
	"limit.report":              {"提交过于频繁，请 %s 秒后再试", "Too many reports from this address: try again in %s seconds"},
	"limit.query":               {"查询过于频繁，请 %s 秒后再试", "Too many look-ups from this address: try again in %s seconds"},
	"limit.signin":              {"登录尝试过于频繁，请 %s 秒后再试", "Too many sign-in attempts from this address: try again in %s seconds"},
	"limit.public":              {"请求过于频繁，请 %s 秒后再试", "Too many requests from this address: try again in %s seconds"},
	"limit.open311":             {"请求过于频繁，请 %s 秒后再试", "Too many requests: try again in %s seconds"},
	"photo.undecodable":         {"照片 %s 无法解码为图片", "photo %s does not decode as an image"},
	"photo.pixels":              {"照片 %s 像素过多（最多 5000 万像素）", "photo %s has too many pixels (at most 50 million)"},
	"pub.report.share_position": {"同意提供照片中的拍摄位置（不勾选则删除照片里的定位信息）", "Share where the photos were taken (unticked, the GPS position is removed from the photos)"},
}
