package pingan

// mapMessages are the messages of the map under the grids (底图): its
// settings, their page and the map itself.
var mapMessages = map[string][2]string{
	// The settings (settings.go, store/settings.go).
	"maptiles.url.required":       {"填写注记图层前须先填写底图瓦片地址", "an annotation layer needs a tile URL under it"},
	"maptiles.url.scheme":         {"瓦片地址须为 http 或 https 开头的完整网址", "the tile URL must be a whole http or https address"},
	"maptiles.url.long":           {"瓦片地址不能超过 %d 个字符", "the tile URL may not be longer than %d characters"},
	"maptiles.url.template":       {"瓦片地址须含 {z}、{x}、{y}（或 WMTS 的 {TileMatrix}、{TileRow}、{TileCol}），以指明瓦片的位置", "the tile URL must contain {z}, {x} and {y} (or WMTS's {TileMatrix}, {TileRow} and {TileCol}) for the tile's place"},
	"maptiles.maxzoom.range":      {"最大缩放级别 %d 无效，应在 1 到 22 之间", "maximum zoom %d is invalid: it must lie between 1 and 22"},
	"maptiles.maxzoom.number":     {"最大缩放级别应为 1 到 22 之间的整数", "maximum zoom must be a whole number between 1 and 22"},
	"maptiles.attribution.long":   {"版权说明不能超过 %d 个字符", "the attribution may not be longer than %d characters"},
	"maptiles.subdomains.invalid": {"子域名应为字母或数字（如 01234567），或以逗号分隔的名称", "subdomains must be letters or digits (such as 01234567), or names separated by commas"},
	"maptiles.forbidden":          {"底图设置对全市有效，只有市级系统管理员可以修改", "the map holds for the whole city: only an administrator of the top unit may change it"},

	// The page (web/map.go, admin_map.html).
	"admin.map":                 {"底图", "Map"},
	"admin.map.hint":            {"在网格图下方显示地图：填写本市瓦片服务器或天地图的瓦片地址（天地图须带密钥 tk）。不填写时，网格图只绘制网格边界。", "Draw a map under the grids: enter the tile URL of the city's own tile server or of Tianditu (with its key, tk). Without one, the grid map draws the grid boundaries alone."},
	"admin.map.url":             {"瓦片地址", "Tile URL"},
	"admin.map.url.hint":        {"如 https://tiles.example.gov.cn/{z}/{x}/{y}.png；天地图矢量底图：https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=密钥", "such as https://tiles.example.gov.cn/{z}/{x}/{y}.png; Tianditu's vector map: https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY"},
	"admin.map.subdomains":      {"子域名 {s}", "Subdomains {s}"},
	"admin.map.subdomains.hint": {"地址中 {s} 的取值，天地图为 01234567；不填为 abc", "what {s} in the URL stands for: 01234567 for Tianditu; abc when empty"},
	"admin.map.annotation":      {"注记图层地址（可选）", "Annotation layer URL (optional)"},
	"admin.map.annotation.hint": {"叠加在底图上的地名注记，天地图为 cva_w（LAYER=cva）", "place names drawn over the map: cva_w (LAYER=cva) for Tianditu"},
	"admin.map.attribution":     {"版权说明", "Attribution"},
	"admin.map.maxzoom":         {"最大缩放级别", "Maximum zoom"},
	"admin.map.submit":          {"保存", "Save"},
	"admin.map.saved":           {"底图设置已保存", "The map settings were saved"},
	"admin.map.cleared":         {"已取消底图，网格图只绘制网格边界", "The map was removed: the grid map draws the grid boundaries alone"},
	"admin.map.updated":         {"%s 于 %s 修改", "changed by %s at %s"},
	"admin.map.none":            {"尚未设置底图", "No map is set"},
	"admin.map.notready":        {"本系统未配置设置服务", "this server has no settings service"},
	"admin.map.preview":         {"预览", "Preview"},
}
