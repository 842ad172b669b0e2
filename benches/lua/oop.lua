-- oop: classes with metatables: inheritance through __index, operator metamethods (__add,
-- __mul, __eq, __lt, __tostring, __len), method calls on many short-lived objects.
-- Checksum: integer results of a particle simulation and a sort by a metamethod.
local STEPS = 300
local PARTICLES = 200

local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({ x = x, y = y }, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec.__mul(a, k) return Vec.new(a.x * k, a.y * k) end
function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
function Vec:len2() return self.x * self.x + self.y * self.y end
function Vec.__tostring(v) return string.format("(%d,%d)", v.x, v.y) end

local Body = {}
Body.__index = Body
function Body.new(id, pos, vel) return setmetatable({ id = id, pos = pos, vel = vel }, Body) end
function Body:step(gravity)
  self.vel = self.vel + gravity
  self.pos = self.pos + self.vel
  if self.pos.y < 0 then self.pos = Vec.new(self.pos.x, -self.pos.y); self.vel = self.vel * -1 end
end
function Body.__lt(a, b) return a.pos:len2() < b.pos:len2() or (a.pos:len2() == b.pos:len2() and a.id < b.id) end

local Heavy = setmetatable({}, { __index = Body })
Heavy.__index = Heavy
Heavy.__lt = Body.__lt
function Heavy.new(id, pos, vel)
  local self = Body.new(id, pos, vel)
  return setmetatable(self, Heavy)
end
function Heavy:step(gravity)
  Body.step(self, gravity * 2)
end

local bodies = {}
for i = 1, PARTICLES do
  local class = (i % 3 == 0) and Heavy or Body
  bodies[i] = class.new(i, Vec.new(i * 7 % 101, 1000 + i % 13), Vec.new(i % 5 - 2, 0))
end
local gravity = Vec.new(0, -1)
local same = 0
for _ = 1, STEPS do
  for i = 1, #bodies do bodies[i]:step(gravity) end
  if bodies[1].pos == bodies[2].pos then same = same + 1 end
end
table.sort(bodies)
local h = 0
for i = 1, #bodies do h = (h * 31 + bodies[i].id + #tostring(bodies[i].pos)) & 0x7fffffff end
return string.format("oop %d %d %s", h, same, tostring(bodies[1].pos))
