package pingan

// pickerMessages are the messages of the pickers of units and grids
// (web/picker.go, web/static/picker.js).
var pickerMessages = map[string][2]string{
	"picker.q.long":      {"查询文字太长（至多 %d 个字）", "the query is too long (at most %d characters)"},
	"picker.limit.bad":   {"条数应为 1 至 %d 之间的整数", "the limit must be a whole number from 1 to %d"},
	"picker.grid":        {"网格", "Grid"},
	"picker.grid.code":   {"网格编码", "grid code"},
	"picker.grid.search": {"输入网格名称或拼音首字母", "type the grid's name or the initials of its pinyin"},
	"picker.grid.hint":   {"输入网格名称或拼音首字母查找；也可在地图上点选位置", "type the grid's name or the initials of its pinyin; or pick the position on the map"},

	// The words the script shows (data-picker-* attributes).
	"picker.search":  {"输入名称或拼音首字母，如 SZQ", "type a name or the initials of its pinyin, e.g. SZQ"},
	"picker.none":    {"没有相符的结果", "nothing matches"},
	"picker.more":    {"仅列出部分结果，请输入更多文字", "only some are listed; type more"},
	"picker.results": {"查找结果", "Matches"},

	// The citizens' cascade.
	"picker.county":       {"县（区）", "County"},
	"picker.township":     {"乡镇（街道）", "Township"},
	"picker.village":      {"村（社区）", "Village or community"},
	"picker.village.none": {"不选：本乡镇（街道）", "none: the township itself"},
	"picker.or.search":    {"或直接查找", "or search"},
}
