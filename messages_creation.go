package pingan

// creationMessages are the words of the dashboard's section 平安创建
// (web/dashboard_creation.go): the 创建比例 of each county, as a city
// reports it.
var creationMessages = map[string][2]string{
	"dash.creation":          {"平安创建", "Safe-area designation"},
	"dash.creation.hint":     {"%d年度考核总分达到创建标准且未被一票否决的乡镇（街道）、村（社区）占参加考核单位的比例", "The share of the townships and villages assessed in %d whose year total reached the designation line without a veto"},
	"dash.creation.county":   {"县（区）", "County"},
	"dash.creation.township": {"平安乡镇创建比例", "Safe townships"},
	"dash.creation.village":  {"平安村（社区）创建比例", "Safe villages"},
	"dash.creation.of":       {"命名 %d 个，参加考核 %d 个", "%d designated of %d assessed"},
	"dash.creation.all":      {"合计", "All"},
	"dash.creation.none":     {"未考核", "not assessed"},
}
